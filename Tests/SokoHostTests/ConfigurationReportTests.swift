import Testing

@testable import SokoHost

@Suite("check-config masks what it prints")
struct ConfigurationReportTests {
    @Test(arguments: [
        ("postgresql://soko:s3cret@db:5432/users", "postgresql://soko:****@db:5432/users"),
        ("postgresql://soko:p@ss@w0rd@db/users", "postgresql://soko:****@db/users"),
        ("http://lokiuser:LOKISECRET@loki:3100", "http://lokiuser:****@loki:3100"),
        ("http://token@loki:3100/push", "http://****@loki:3100/push"),
        (
            "postgresql://soko@db/users?password=TOPSECRET&sslmode=require",
            "postgresql://****@db/users?password=****&sslmode=require"
        ),
        ("https://duka.co.ke", "https://duka.co.ke"),
        ("smtp://live.smtp.mailtrap.io:587", "smtp://live.smtp.mailtrap.io:587"),
    ])
    func urls(_ url: String, _ shown: String) {
        #expect(ConfigurationReport.maskingPassword(url) == shown)
    }
}
