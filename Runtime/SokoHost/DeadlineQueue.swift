import SokoHTTP

/// The deadlines of one function's calls on one loop.
///
/// Every call of a function has the same timeout, so deadlines arrive in order: a FIFO and one
/// alarm replace a timer per call (no allocation, no handle to close per request). Answered
/// calls leave the queue as soon as they reach its head. Loop thread only.
final class DeadlineQueue {
    private var entries: [RequestExchange] = []
    private var head = 0
    private var firing = false
    private var alarm: LoopAlarm!

    init(loop: EventLoop) {
        alarm = LoopAlarm(loop: loop) { [unowned self] in self.fire() }
    }

    func add(_ exchange: RequestExchange) {
        entries.append(exchange)
        if !alarm.isSet { arm(for: exchange) }
    }

    /// Drops answered calls from the head (called after each answer).
    func settle() {
        guard !firing else { return }
        while head < entries.count && entries[head].isAnswered { head += 1 }
        compact()
    }

    private func fire() {
        firing = true
        let now = ContinuousClock.now
        while head < entries.count {
            let exchange = entries[head]
            if exchange.isAnswered {
                head += 1
            } else if exchange.deadline <= now {
                head += 1
                exchange.expire()
            } else {
                arm(for: exchange)
                break
            }
        }
        firing = false
        compact()
    }

    private func arm(for exchange: RequestExchange) {
        alarm.set(after: max(.zero, ContinuousClock.now.duration(to: exchange.deadline)))
    }

    private func compact() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.count < 4096)
            head = 0
        } else if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    /// Closes the alarm after expiring every call still pending (504 and cancellation), so no
    /// task outlives the loop unasked to stop.
    func close() {
        firing = true
        for exchange in entries[head...] where !exchange.isAnswered { exchange.expire() }
        firing = false
        alarm.close()
        entries.removeAll()
        head = 0
    }
}
