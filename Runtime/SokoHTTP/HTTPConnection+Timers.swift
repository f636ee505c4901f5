internal import CHTTPParser
internal import CUV

/// The connection's one lazy timer, and closing (lingering, then for good).
extension HTTPConnection {
    /// Sets the connection's one deadline (idle, header or linger). The libuv timer is moved only
    /// when the new deadline is earlier than the one it is set for; a later deadline is picked up
    /// when it fires. A request/response cycle then costs no timer operation in the common case.
    func armTimer(milliseconds: UInt64) {
        let now = uv_now(uvLoop)
        let deadline = now + milliseconds
        timerDeadline = deadline
        if timerArmedFor == 0 || deadline < timerArmedFor {
            startTimer(at: deadline, now: now)
        }
    }

    /// No deadline while a request is being handled (the function's own timeout governs).
    func clearTimer() {
        timerDeadline = 0
    }

    func startTimer(at deadline: UInt64, now: UInt64) {
        timerArmedFor = deadline
        uv_timer_start(
            timer, { handle in HTTPConnection.with(handle!.pointee.data) { $0.timerFired() } },
            deadline > now ? deadline - now : 0, 0)
    }

    func timerFired() {
        timerArmedFor = 0
        guard timerDeadline != 0 else { return }
        let now = uv_now(uvLoop)
        if now >= timerDeadline {
            timerDeadline = 0
            timedOut()
        } else {
            startTimer(at: timerDeadline, now: now)
        }
    }

    /// Sets the body timer: the next read must come within the header timeout, and the whole body
    /// within the body timeout (a body dripped a byte at a time cannot hold a connection forever).
    func armBodyTimer() {
        let now = uv_now(uvLoop)
        let remaining = bodyDeadline > now ? bodyDeadline - now : 0
        let next = min(server.headerMilliseconds, remaining)
        armTimer(milliseconds: next)
    }

    func timedOut() {
        if pendingWrites > 0 && phase != .closing {
            close()  // the peer stopped reading
            return
        }
        switch phase {
        case .head, .body:
            rejection = nil
            reject(.timeout)
        case .idle:
            close()
        case .closing:
            close()
        }
    }

    /// Half-closes after the queued writes, then reads and discards what the client still sends
    /// so that closing does not reset the connection under an unread response.
    func shutdownAndLinger() {
        guard phase != .closing, !closed else { return }
        phase = .closing
        // Queued writes get the send timeout; the linger starts once they are out (below).
        armTimer(milliseconds: pendingWrites > 0 ? server.idleMilliseconds : server.lingerMilliseconds)
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        if paused {
            paused = false
            uv_read_start(stream(tcp), ServerLoop.allocate, HTTPConnection.onRead)  // discards until EOF
        }
        let status = uv_shutdown(request, stream(tcp)) { request, status in
            let connection = HTTPConnection.from(request!.pointee.data)
            request!.deallocate()
            if status < 0 {
                connection.close()
            } else if !connection.closed {
                connection.armTimer(milliseconds: connection.server.lingerMilliseconds)
            }
        }
        if status != 0 {
            request.deallocate()
            close()
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        phase = .closing
        slots.removeAll()
        uv_timer_stop(timer)
        uv_read_stop(stream(tcp))
        server.remove(self)
        uv_close(handle(tcp)) { tcpHandle in
            let connection = HTTPConnection.from(tcpHandle!.pointee.data)
            uv_close(handle(connection.timer)) { timerHandle in
                let connection = Unmanaged<HTTPConnection>.fromOpaque(timerHandle!.pointee.data!)
                let me = connection.takeUnretainedValue()
                me.tcp.deallocate()
                me.timer.deallocate()
                connection.release()
            }
        }
    }
}
