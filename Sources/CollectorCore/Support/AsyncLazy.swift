/// A value computed at most once, on first use, by an async closure: for work a tick may or may not need.
actor AsyncLazy<Value: Sendable> {
    private var value: Value?
    private let make: @Sendable () async -> Value

    init(_ make: @escaping @Sendable () async -> Value) { self.make = make }

    func get() async -> Value {
        if let value { return value }
        let made = await make()
        value = made
        return made
    }
}
