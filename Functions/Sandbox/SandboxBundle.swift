import SokoFunctions

/// The Sandbox bundle (being built: issue 5).
public enum SandboxBundle: FunctionBundle {
    public static let service = "sandbox"

    public static func register(_ registry: inout FunctionRegistry) {}
}
