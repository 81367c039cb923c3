/// `temp:70`: the SoC temperature the agent reads for its health data (thermal zone 0), under the limit.
enum TempProbe {
    static func run(sysfsRoot: String, maxCelsius: Double) -> CheckRun {
        let base = sysfsRoot == "/" ? "" : (sysfsRoot.hasSuffix("/") ? String(sysfsRoot.dropLast()) : sysfsRoot)
        let path = base + HealthSensor.thermalFile
        guard let bytes = HealthSensor.contents(path) else { return .unknown("no temperature sensor (\(path))") }
        guard let celsius = HealthSensor.parseTemperature(bytes) else {
            return .unknown("temperature unreadable in \(path)")
        }
        let limit = maxCelsius.rounded() == maxCelsius ? "\(Int(maxCelsius))" : "\(maxCelsius)"
        return celsius < maxCelsius ? .ok("\(celsius) °C") : .failing("\(celsius) °C (limit \(limit) °C)")
    }
}
