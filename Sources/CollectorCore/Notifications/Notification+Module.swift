import CollectorRules

/// Ours, not Foundation's `Notification`: both modules are imported here.
public typealias Notification = CollectorRules.Notification
