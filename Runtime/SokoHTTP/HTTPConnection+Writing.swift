internal import CHTTPParser
internal import CUV

/// Responses leave in request order; writes back-pressure reading.
extension HTTPConnection {
    func complete(sequence: Int, response: HTTPResponse) {
        let index = sequence - firstSequence
        guard !closed, index >= 0, index < slots.count, slots[index].response == nil else { return }
        slots[index].response = response
        if index == 0 { flush() }
    }

    func flush() {
        guard !closed else { return }
        var out = server.writeBuffer
        server.writeBuffer = []  // a nested flush (none is known) would take a fresh buffer
        out.removeAll(keepingCapacity: true)
        if let first = slots.first?.response { out.reserveCapacity(256 + first.body.count) }
        var closeNow = false
        while let first = slots.first, let response = first.response {
            slots.removeFirst()
            firstSequence += 1
            // The handler's own `Connection: close` is honoured (read as its headers are written).
            let keepAlive = server.serializer.serialize(
                response, into: &out, isHead: first.isHead,
                keepAlive: first.keepAlive && !server.draining, http10: first.http10)
            if !keepAlive { closeNow = true; break }
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
