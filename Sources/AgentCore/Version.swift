public enum AgentCoreVersion { public static let version = "0.1.0" }
