import Glibc
import Synchronization
import Testing

@testable import SokoHTTP

@Suite("Event loops")
struct EventLoopTests {
    @Test func executeFromAnotherThreadRunsOnTheLoopThread() async {
        let group = EventLoopGroup(loopCount: 2)
        group.start()
        for loop in group.loops {
            let onLoop = await withCheckedContinuation { continuation in
                loop.execute { continuation.resume(returning: loop.inEventLoop) }
            }
            #expect(onLoop)
            #expect(!loop.inEventLoop)
        }
        #expect(group.shutdown())
    }

    @Test func tasksPreferringTheLoopExecutorRunOnIt() async {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let loop = group.loops[0]
        let results = await Task(executorPreference: loop.executor) { () -> [Bool] in
            var seen = [loop.inEventLoop]
            await Task.yield()
            seen.append(loop.inEventLoop)
            try? await Task.sleep(for: .milliseconds(2))
            seen.append(loop.inEventLoop)
            return seen
        }.value
        #expect(results == [true, true, true])
        #expect(group.shutdown())
    }

    @Test func timersFireOnceAndCancelledTimersDoNot() async {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let loop = group.loops[0]
        let fired = Mutex<[String]>([])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute {
                let cancelled = LoopTimer(loop: loop, after: .milliseconds(5)) { fired.withLock { $0.append("cancelled") } }
                cancelled.cancel()
                _ = LoopTimer(loop: loop, after: .milliseconds(10)) {
                    fired.withLock { $0.append("fired") }
                    continuation.resume()
                }
            }
        }
        #expect(fired.withLock { $0 } == ["fired"])
        #expect(group.shutdown())
    }

    @Test func workFromManyThreadsIsNeitherLostNorDuplicated() async {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let loop = group.loops[0]
        let total = 20_000
        let count = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let box = CounterBox()
            for _ in 0..<4 {
                let thread = Thread4 {
                    for _ in 0..<(total / 4) {
                        loop.execute {
                            box.value += 1
                            if box.value == total { continuation.resume(returning: box.value) }
                        }
                    }
                }
                thread.start()
            }
        }
        #expect(count == total)
        #expect(group.shutdown())
    }

    @Test func cancelledTimersLeaveNoHandleOpen() async {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let loop = group.loops[0]
        // A timer left running keeps the loop alive; cancelling it lets the loop close cleanly.
        let timer = await withCheckedContinuation { continuation in
            loop.execute { continuation.resume(returning: LoopTimer(loop: loop, after: .seconds(60)) {}) }
        }
        loop.execute { timer.cancel() }
        #expect(group.shutdown())
        #expect(loop.leakedHandles == 0)
    }
}

/// Touched only on the loop thread.
final class CounterBox: @unchecked Sendable { var value = 0 }

/// A plain pthread for producing work off the loop.
final class Thread4: @unchecked Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        pthread_create(
            &thread, nil,
            { argument in
                let me = Unmanaged<Thread4>.fromOpaque(argument!).takeRetainedValue()
                me.body()
                return nil
            }, box)
        pthread_detach(thread)
    }
}
