import Foundation
import ShopTesting
import SokoHost
import SokoTesting
import Testing

/// What Python's `email` package (Oracle/parse_mail.py) understood of a message.
struct ParsedMail: Decodable {
    var from: [[String]]
    var to: [[String]]
    var subject: String
    var date: String?
    var messageID: String
    var mimeVersion: String
    var contentType: String
    var headerNames: [String]
    var parts: [Part]
    var defects: [String]
    var crlfOnly: Bool
    var longestLine: Int

    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var transferEncoding: String?
        var content: String

        enum CodingKeys: String, CodingKey {
            case content, charset
            case contentType = "content_type"
            case transferEncoding = "transfer_encoding"
        }
    }

    enum CodingKeys: String, CodingKey {
        case from, to, subject, date, parts, defects
        case messageID = "message_id"
        case mimeVersion = "mime_version"
        case contentType = "content_type"
        case headerNames = "header_names"
        case crlfOnly = "crlf_only"
        case longestLine = "longest_line"
    }

    func part(_ type: String) -> Part? { parts.first { $0.contentType == type } }
}

enum MailOracle {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracle")

    /// Parses `message` with Python's `email` package.
    static func parse(_ message: [UInt8]) async throws -> ParsedMail {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("soko-mail-\(UUID().uuidString).eml")
        try Data(message).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await parse(file: file.path)
    }

    static func parse(file: String) async throws -> ParsedMail {
        let result = try await ChildProcess.run(command: ["python3", folder.appendingPathComponent("parse_mail.py").path, file])
        try #require(result.status == 0, "parse_mail.py: \(result.error)")
        return try JSONDecoder().decode(ParsedMail.self, from: Data(result.output.utf8))
    }
}

/// The whole shop for these tests, its `.eml` mail in a fresh temporary folder.
enum NotifyShop {
    static func start(
        environment: [String: String] = [:], configuration: HostConfiguration = TestHost.defaultConfiguration()
    ) async throws -> ShopHost {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-mail-\(UUID().uuidString)").path
        return try await ShopHost.start(
            environment: ["SOKO_MAIL_DIR": folder].merging(environment) { _, new in new }, configuration: configuration)
    }
}
