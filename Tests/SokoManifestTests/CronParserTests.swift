import Testing

@testable import SokoManifest

@Suite("CronParser and ScheduleParser")
struct CronParserTests {
    @Test func everyFiveMinutes() throws {
        let cron = try #require(CronParser.parse("*/5 * * * *"))
        #expect(cron.source == "*/5 * * * *")
        #expect(cron.minutes == Set(stride(from: 0, through: 55, by: 5)))
        #expect(cron.hours == Set(0...23))
        #expect(cron.daysOfMonth == Set(1...31))
        #expect(cron.months == Set(1...12))
        #expect(cron.daysOfWeek == Set(0...6))
    }

    @Test func listsRangesAndSteps() throws {
        let cron = try #require(CronParser.parse("0,30 9-17 1,15 1-12/3 1-5"))
        #expect(cron.minutes == [0, 30])
        #expect(cron.hours == Set(9...17))
        #expect(cron.daysOfMonth == [1, 15])
        #expect(cron.months == [1, 4, 7, 10])
        #expect(cron.daysOfWeek == [1, 2, 3, 4, 5])
    }

    @Test("day-of-week 7 is Sunday, like 0")
    func sundayIsSevenOrZero() throws {
        #expect(try #require(CronParser.parse("0 0 * * 7")).daysOfWeek == [0])
        #expect(try #require(CronParser.parse("0 0 * * 5-7")).daysOfWeek == [0, 5, 6])
    }

    @Test(
        "accepts valid expressions",
        arguments: [
            "* * * * *", "0 0 1 1 0", "59 23 31 12 7", "0-59/15 */2 1-31 * 0-7", "5,10-20/5 * * * *",
            "0 4  *   * *", "0\t4 * * *",
        ])
    func good(text: String) {
        #expect(CronParser.parse(text) != nil)
    }

    @Test(
        "refuses invalid expressions",
        arguments: [
            "", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
            "* * * 0 *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "1,,2 * * * *",
            "1, * * * *", "a * * * *", "* * * JAN *", "* * * * MON", "-1 * * * *", "5/10 * * * *",
            "1-2-3 * * * *", "*/5/2 * * * *", "*/x * * * *", "@daily",
        ])
    func bad(text: String) {
        #expect(CronParser.parse(text) == nil)
    }

    @Test("says which field is wrong")
    func problemNamesField() {
        #expect(throws: SyntaxProblem("hour field value 24 is out of range 0-23")) {
            try CronParser.check("0 24 * * *")
        }
    }

    @Test(
        "schedules",
        arguments: [
            ("every 10m", Schedule.every(.seconds(600))),
            ("every 30s", .every(.seconds(30))),
            ("every 1h", .every(.seconds(3600))),
            ("every 500ms", .every(.milliseconds(500))),
        ])
    func every(text: String, expected: Schedule) {
        #expect(ScheduleParser.parse(text) == expected)
    }

    @Test func cronSchedule() {
        #expect(ScheduleParser.parse("*/5 * * * *") == .cron(CronParser.parse("*/5 * * * *")!))
    }

    @Test(
        "refuses bad schedules",
        arguments: [
            "", "every", "every 0s", "every 10", "every 10 m", "every 10m 5s", "Every 10m", "hourly", "every -1m",
            "61 * * * *",
        ])
    func badSchedule(text: String) {
        #expect(ScheduleParser.parse(text) == nil)
    }
}
