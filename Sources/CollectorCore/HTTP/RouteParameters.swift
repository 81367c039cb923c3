import DowntimeProtocol
import Hummingbird

/// Values the routes take from their path, checked once.
enum RouteParameters {
    /// The device name in the path's `{name}`: 400 naming `name` when it breaks the rules.
    static func deviceName(_ context: some RequestContext) throws -> String {
        try deviceName(context.parameters.get("name") ?? "")
    }

    static func deviceName(_ raw: String) throws -> String {
        guard let name = DeviceName.normalize(raw) else {
            throw APIError(.badRequest, "device name must match \(DeviceName.rule)", field: "name")
        }
        return name
    }
}
