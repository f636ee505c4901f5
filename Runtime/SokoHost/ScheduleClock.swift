import Glibc
import SokoManifest

/// When a schedule fires next, in whole seconds since 1970 (UTC).
///
/// `every D` ticks on multiples of D since the epoch, so every replica computes the same ticks
/// and can agree on who runs each one. Cron ticks on the minutes its fields match; when both
/// day-of-month and day-of-week are restricted, either may match (as in classic cron).
enum ScheduleClock {
    static func nextTick(after now: Int, schedule: Schedule) -> Int {
        switch schedule {
        case .every(let period):
            let seconds = max(1, Int(period.components.seconds))
            return (now / seconds + 1) * seconds
        case .cron(let cron):
            var candidate = (now / 60 + 1) * 60
            // At most about four years of minutes: enough for any valid expression (29 February).
            for _ in 0..<(4 * 366 * 24 * 60) {
                if matches(cron, candidate) { return candidate }
                candidate += 60
            }
            return Int.max
        }
    }

    static func matches(_ cron: CronExpression, _ time: Int) -> Bool {
        var t = time
        var parts = tm()
        gmtime_r(&t, &parts)
        guard cron.minutes.contains(Int(parts.tm_min)), cron.hours.contains(Int(parts.tm_hour)),
            cron.months.contains(Int(parts.tm_mon) + 1)
        else { return false }
        let dayOfMonth = cron.daysOfMonth.contains(Int(parts.tm_mday))
        let dayOfWeek = cron.daysOfWeek.contains(Int(parts.tm_wday)) || (parts.tm_wday == 0 && cron.daysOfWeek.contains(7))
        let anyDayOfMonth = cron.daysOfMonth.count >= 31
        let anyDayOfWeek = Set(0...6).isSubset(of: cron.daysOfWeek.union(cron.daysOfWeek.contains(7) ? [0] : []))
        switch (anyDayOfMonth, anyDayOfWeek) {
        case (true, true): return true
        case (true, false): return dayOfWeek
        case (false, true): return dayOfMonth
        case (false, false): return dayOfMonth || dayOfWeek
        }
    }
}
