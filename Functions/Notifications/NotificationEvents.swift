import Contracts

extension OrderEvent {
    /// A short reference for subjects: the id's first eight characters, upper-cased.
    var reference: String { "#" + String(orderID.prefix(8)).uppercased() }
}
