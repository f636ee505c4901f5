import SokoFunctions

/// The Examples bundle: the smallest functions, for documentation and benchmarks.
public enum ExamplesBundle: FunctionBundle {
    public static let service = "examples"

    public static func register(_ registry: inout FunctionRegistry) {
        registry.add(Hello.self)
        registry.add(Echo.self)
    }
}
