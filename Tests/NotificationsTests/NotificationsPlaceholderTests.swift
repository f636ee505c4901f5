import Testing

@testable import Notifications

@Test func bundleNamesItsService() {
    #expect(NotificationsBundle.service == "notifications")
}
