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

    /// The job name in the path's `{name}` (the same rule as a device's): 400 naming `name` when it breaks it.
    static func jobName(_ context: some RequestContext) throws -> String {
        guard let name = DeviceName.normalize(context.parameters.get("name") ?? "") else {
            throw APIError(.badRequest, "job name must match \(DeviceName.rule)", field: "name")
        }
        return name
    }
}
