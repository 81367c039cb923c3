/// The collector's version: `--version`, and the origin of what it publishes over MQTT.
public enum CollectorVersion {
    public static let version = "0.1.0"
}
