import SokoFunctions

/// The Payments bundle (being built: issue 5).
public enum PaymentsBundle: FunctionBundle {
    public static let service = "payments"

    public static func register(_ registry: inout FunctionRegistry) {}
}
