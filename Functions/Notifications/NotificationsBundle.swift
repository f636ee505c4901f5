import SokoFunctions

/// The Notifications bundle (being built: issue 5).
public enum NotificationsBundle: FunctionBundle {
    public static let service = "notifications"

    public static func register(_ registry: inout FunctionRegistry) {}
}
