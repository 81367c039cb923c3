import AgentCore
print("downtime-agent \(AgentCoreVersion.version)")
