internal import CHTTPParser
internal import CUV

/// Responses leave in request order; writes back-pressure reading.
extension HTTPConnection {
    func complete(sequence: Int, response: HTTPResponse) {
        let index = sequence - firstSequence
        guard !closed, index >= 0, index < slots.count, slots[index].response == nil else { return }
        if index == 0 {
            flush(answering: response)
        } else {
            slots[index].response = response
        }
    }

    /// The usual answer, the one the connection waits for: serialized straight into the output
    /// buffer, never stored in its slot and copied out again; then whatever else is ready.
    func flush(answering next: HTTPResponse) {
        guard !closed else { return }
        var out = takeWriteBuffer()
        let first = takeFirstSlot()
        out.reserveCapacity(256 + next.body.count)
        let keepAlive = server.serializer.serialize(
            next, into: &out, isHead: first.isHead,
            keepAlive: first.keepAlive && !server.draining, http10: first.http10)
        writeOut(&out, closeNow: !keepAlive)
    }

    /// Writes every stored response that is next in order.
    func flush() {
        guard !closed else { return }
        var out = takeWriteBuffer()
        if let first = slots.first?.response { out.reserveCapacity(256 + first.body.count) }
        writeOut(&out, closeNow: false)
    }

    /// The oldest slot, removed. Usually the only one: `removeLast` then, which (unlike
    /// `removeFirst`'s `replaceSubrange`, ~200 instructions) moves nothing.
    private func takeFirstSlot() -> Slot {
        firstSequence += 1
        return slots.count == 1 ? slots.removeLast() : slots.removeFirst()
    }

    private func takeWriteBuffer() -> [UInt8] {
        // Swapped out, not copied (a copy was a retain, and a release when the slot was emptied);
        // a nested flush (none is known) would find an empty buffer and grow its own.
        var out: [UInt8] = []
        swap(&out, &server.writeBuffer)
        out.removeAll(keepingCapacity: true)
        return out
    }

    /// Appends the stored responses that are next in order, writes, and closes, pauses or
    /// re-arms as the connection's state asks.
    private func writeOut(_ out: inout [UInt8], closeNow: Bool) {
        var closeNow = closeNow
        while !closeNow, let first = slots.first, let response = first.response {
            _ = takeFirstSlot()
            // The handler's own `Connection: close` is honoured (read as its headers are written).
            let keepAlive = server.serializer.serialize(
                response, into: &out, isHead: first.isHead,
                keepAlive: first.keepAlive && !server.draining, http10: first.http10)
            if !keepAlive { closeNow = true }
        }
        if !out.isEmpty { write(out) }
        if out.capacity <= ServerLoop.writeBufferLimit { server.writeBuffer = out }
        if closeWhenFlushed && slots.isEmpty {
            if pendingWrites == 0 { close() }
            return
        }
        if closeNow {
            slots.removeAll()
            shutdownAndLinger()
            return
        }
        resumeIfDrained()
        if isIdle && !stopReading {
            if server.draining { close(); return }
            armTimer(milliseconds: server.idleMilliseconds)
        }
    }

    /// Reading resumes once the pipeline has room and the client has taken what was written,
    /// so a client that sends without reading cannot grow the write queue without bound.
    func resumeIfDrained() {
        if paused && !closed && pendingWrites == 0 && slots.count < server.configuration.maxPipelined { resume() }
    }

    func resume() {
        paused = false
        http_parser_pause(parser, 0)
        uv_read_start(
            stream(tcp), ServerLoop.allocate, HTTPConnection.onRead)
        if !leftover.isEmpty {
            let bytes = leftover
            leftover = []
            bytes.withUnsafeBytes { feed($0) }
        }
    }

    func write(_ bytes: [UInt8]) {
        var written = 0
        if pendingWrites == 0 {
            written = bytes.withUnsafeBytes { raw -> Int in
                var buffer = uv_buf_init(
                    UnsafeMutablePointer(mutating: raw.baseAddress!.assumingMemoryBound(to: CChar.self)),
                    UInt32(raw.count))
                let result = uv_try_write(stream(tcp), &buffer, 1)
                return result > 0 ? Int(result) : 0
            }
        }
        if written == bytes.count { return }
        let remaining = bytes.count - written
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<uv_write_t>.stride + remaining,
            alignment: 16)
        let request = memory.assumingMemoryBound(to: uv_write_t.self)
        let data = memory + MemoryLayout<uv_write_t>.stride
        bytes.withUnsafeBytes { raw in data.copyMemory(from: raw.baseAddress! + written, byteCount: remaining) }
        var buffer = uv_buf_init(data.assumingMemoryBound(to: CChar.self), UInt32(remaining))
        request.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        pendingWrites += 1
        // A peer that takes nothing for an idle timeout is gone (send timeout).
        if phase != .closing { armTimer(milliseconds: server.idleMilliseconds) }
        let status = uv_write(request, stream(tcp), &buffer, 1) { request, status in
            let connection = HTTPConnection.from(request!.pointee.data)
            UnsafeMutableRawPointer(request!).deallocate()
            connection.pendingWrites -= 1
            if status < 0 { connection.close(); return }
            connection.written()
        }
        if status < 0 {
            pendingWrites -= 1
            memory.deallocate()
            close()
        }
    }

    /// A queued write completed.
    func written() {
        if pendingWrites > 0 {
            if phase != .closing { armTimer(milliseconds: server.idleMilliseconds) }
            return
        }
        if closeWhenFlushed && slots.isEmpty {
            close()
            return
        }
        resumeIfDrained()
        if isIdle && !stopReading {
            if server.draining { close(); return }
            armTimer(milliseconds: server.idleMilliseconds)
        }
    }
}
