internal import CCurl
import Logging
import SokoFunctions
import SokoHTTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One call in flight: its easy handle, what it sends, what came back, and who waits for it.
final class Transfer: @unchecked Sendable {
    enum Job {
        case http(OutgoingRequest)
        case smtp(MailSettings.SMTP, OutgoingMail)
    }

    let job: Job
    let timeout: Duration
    var continuation: CheckedContinuation<OutgoingResponse, Error>?
    var easy: UnsafeMutableRawPointer?
    var lists: [UnsafeMutablePointer<curl_slist>?] = []
    var body: [UInt8] = []
    var headers = HTTPHeaders()
    var upload: [UInt8] = []
    var uploaded = 0
    var tooLarge = false
    /// Cancelled before it started (the cancellation reached the loop first).
    var cancelled = false
    static let maximumBody = 4 << 20

    init(job: Job, timeout: Duration) {
        self.job = job
        self.timeout = timeout
    }

    /// Resumes the waiting task once.
    func finish(_ result: Result<OutgoingResponse, Error>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result)
    }

    /// Frees the easy handle and the header lists (after it left the multi handle).
    func release() {
        if let easy { soko_curl_easy_cleanup(easy) }
        easy = nil
        for list in lists { soko_curl_slist_free_all(list) }
        lists = []
    }
}

/// One loop's multi handle and the polls and timer that drive it. Loop thread only.
final class MultiDriver: @unchecked Sendable {
    let loop: EventLoop
    private var multi: UnsafeMutableRawPointer?
    private var polls: [Int32: LoopPoll] = [:]
    private var alarm: LoopAlarm?
    private var running: [ObjectIdentifier: Transfer] = [:]
    private let logger = Logger(label: "soko.outbound")

    init(loop: EventLoop) {
        self.loop = loop
        multi = soko_curl_multi_init()
        alarm = LoopAlarm(loop: loop) { [unowned self] in act(socket: -1, flags: 0) }  // CURL_SOCKET_TIMEOUT
        let me = Unmanaged.passUnretained(self).toOpaque()
        soko_curl_multi_socket_function(
            multi,
            { _, socket, what, data, _ in
                Unmanaged<MultiDriver>.fromOpaque(data!).takeUnretainedValue().watch(socket, what)
                return 0
            }, me)
        soko_curl_multi_timer_function(
            multi,
            { _, milliseconds, data in
                Unmanaged<MultiDriver>.fromOpaque(data!).takeUnretainedValue().schedule(milliseconds)
                return 0
            }, me)
        soko_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
    }

    /// Adds `transfer` to the multi handle (or fails it at once).
    func start(_ transfer: Transfer) {
        guard !transfer.cancelled else {
            transfer.finish(.failure(CancellationError()))
            return
        }
        guard let multi, transfer.continuation != nil else {
            transfer.finish(.failure(OutgoingError(.unavailable, "the outgoing client is closed")))
            return
        }
        guard let easy = soko_curl_easy_init() else {
            transfer.finish(.failure(OutgoingError(.transport, "curl_easy_init failed")))
            return
        }
        transfer.easy = easy
        do {
            try configure(easy, transfer)
        } catch {
            transfer.release()
            transfer.finish(.failure(error))
            return
        }
        running[ObjectIdentifier(transfer)] = transfer
        let code = soko_curl_multi_add_handle(multi, easy)
        if code != CURLM_OK {
            running[ObjectIdentifier(transfer)] = nil
            transfer.release()
            transfer.finish(.failure(OutgoingError(.transport, String(cString: soko_curl_multi_strerror(code)))))
        }
    }

    /// Stops `transfer` (its task was cancelled: the handler's deadline passed).
    func cancel(_ transfer: Transfer) {
        guard running.removeValue(forKey: ObjectIdentifier(transfer)) != nil else {
            transfer.cancelled = true  // not started yet: it stops when it would start
            return
        }
        if let easy = transfer.easy, let multi { soko_curl_multi_remove_handle(multi, easy) }
        transfer.release()
        transfer.finish(.failure(CancellationError()))
    }

    /// Fails what is in flight and frees the multi handle, polls and timer.
    func close() {
        for transfer in running.values {
            if let easy = transfer.easy, let multi { soko_curl_multi_remove_handle(multi, easy) }
            transfer.release()
            transfer.finish(.failure(OutgoingError(.unavailable, "the host is shutting down")))
        }
        running = [:]
        if let multi { soko_curl_multi_cleanup(multi) }
        multi = nil
        for poll in polls.values { poll.close() }
        polls = [:]
        alarm?.close()
        alarm = nil
    }

    // MARK: curl's callbacks

    /// CURLMOPT_SOCKETFUNCTION: watch a socket for what curl wants, or stop.
    private func watch(_ socket: curl_socket_t, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            polls.removeValue(forKey: socket)?.close()
            return
        }
        var events: LoopPoll.Readiness = []
        if what & CURL_POLL_IN != 0 { events.insert(.readable) }
        if what & CURL_POLL_OUT != 0 { events.insert(.writable) }
        if let poll = polls[socket] {
            poll.watch(events)
        } else if let poll = LoopPoll(
            loop: loop, descriptor: socket, events: events,
            { [unowned self] ready, failed in
                var flags: Int32 = 0
                if ready.contains(.readable) { flags |= CURL_CSELECT_IN }
                if ready.contains(.writable) { flags |= CURL_CSELECT_OUT }
                if failed { flags |= CURL_CSELECT_ERR }
                act(socket: socket, flags: flags)
            })
        {
            polls[socket] = poll
        }
    }

    /// CURLMOPT_TIMERFUNCTION: when curl wants to be called with no socket activity.
    private func schedule(_ milliseconds: Int) {
        if milliseconds < 0 {
            alarm?.clear()
        } else {
            alarm?.set(after: .milliseconds(milliseconds))
        }
    }

    private func act(socket: curl_socket_t, flags: Int32) {
        guard let multi else { return }
        var stillRunning: Int32 = 0
        soko_curl_multi_socket_action(multi, socket, flags, &stillRunning)
        collectFinished()
    }

    /// Completes every transfer curl reports done.
    private func collectFinished() {
        guard let multi else { return }
        var left: Int32 = 0
        while let message = soko_curl_multi_info_read(multi, &left) {
            guard soko_curl_msg_done(message) != 0, let easy = soko_curl_msg_easy(message) else { continue }
            let result = soko_curl_msg_result(message)
            var pointer: UnsafeMutableRawPointer?
            soko_curl_getinfo_private(easy, &pointer)
            soko_curl_multi_remove_handle(multi, easy)
            guard let pointer else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(pointer).takeUnretainedValue()
            running[ObjectIdentifier(transfer)] = nil
            var status = 0
            soko_curl_getinfo_response_code(easy, &status)
            transfer.release()
            if result == CURLE_OK {
                transfer.finish(.success(OutgoingResponse(status: status, headers: transfer.headers, body: transfer.body)))
            } else if transfer.tooLarge {
                transfer.finish(.failure(OutgoingError(.transport, "the answer is larger than \(Transfer.maximumBody) bytes")))
            } else {
                let kind: OutgoingError.Kind = result == CURLE_OPERATION_TIMEDOUT ? .timeout : .transport
                transfer.finish(.failure(OutgoingError(kind, String(cString: soko_curl_easy_strerror(result)))))
            }
        }
    }

    // MARK: Setting up a transfer

    private func configure(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer) throws {
        let me = Unmanaged.passUnretained(transfer).toOpaque()
        soko_curl_setopt_pointer(easy, CURLOPT_PRIVATE, me)
        soko_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        soko_curl_setopt_long(
            easy, CURLOPT_TIMEOUT_MS,
            max(
                1,
                Int(transfer.timeout.components.seconds * 1000)
                    + Int(transfer.timeout.components.attoseconds / 1_000_000_000_000_000)))
        soko_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        soko_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        soko_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        soko_curl_setopt_write_function(easy) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if transfer.body.count + length > Transfer.maximumBody {
                transfer.tooLarge = true
                return 0
            }
            transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return length
        }
        switch transfer.job {
        case .http(let request):
            try configureHTTP(easy, transfer, request, me)
        case .smtp(let smtp, let mail):
            try configureSMTP(easy, transfer, smtp, mail, me)
        }
    }

    private func configureHTTP(
        _ easy: UnsafeMutableRawPointer, _ transfer: Transfer, _ request: OutgoingRequest, _ me: UnsafeMutableRawPointer
    ) throws {
        guard request.url.hasPrefix("https://") || request.url.hasPrefix("http://") else {
            throw OutgoingError(.unavailable, "only http and https URLs are called")
        }
        soko_curl_setopt_string(easy, CURLOPT_URL, request.url)
        soko_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        soko_curl_setopt_string(easy, CURLOPT_USERAGENT, "soko")
        soko_curl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")  // whatever curl can decode
        switch request.method {
        case "GET": break
        case "HEAD": soko_curl_setopt_long(easy, CURLOPT_NOBODY, 1)
        default: soko_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            soko_curl_setopt_long(easy, CURLOPT_POSTFIELDSIZE, request.body.count)
            if request.body.isEmpty {
                soko_curl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBytes { bytes in
                    soko_curl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
            }
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            let line = "\(field.name): \(field.value)"
            guard !line.contains("\r"), !line.contains("\n") else {
                soko_curl_slist_free_all(list)
                throw OutgoingError(.unavailable, "a header value holds a line break")
            }
            list = soko_curl_slist_append(list, line)
        }
        list = soko_curl_slist_append(list, "Expect:")  // no 100-continue round trip
        transfer.lists.append(list)
        soko_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        soko_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        soko_curl_setopt_header_function(easy) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                transfer.headers = HTTPHeaders()  // a new response (after a 100 Continue)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                if !name.isEmpty { transfer.headers.add(name, value) }
            }
            return length
        }
    }

    private func configureSMTP(
        _ easy: UnsafeMutableRawPointer, _ transfer: Transfer, _ smtp: MailSettings.SMTP, _ mail: OutgoingMail,
        _ me: UnsafeMutableRawPointer
    ) throws {
        let addresses = [mail.from] + mail.recipients
        guard !mail.recipients.isEmpty,
            addresses.allSatisfy({ !$0.contains("\r") && !$0.contains("\n") && !$0.contains("<") && !$0.contains(">") })
        else { throw OutgoingError(.unavailable, "a mail needs plain sender and recipient addresses") }
        soko_curl_setopt_string(easy, CURLOPT_URL, smtp.url)
        soko_curl_setopt_long(
            easy, CURLOPT_USE_SSL, smtp.requireTLS ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
        if let caFile = smtp.caFile { soko_curl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        if let username = smtp.username { soko_curl_setopt_string(easy, CURLOPT_USERNAME, username) }
        if let password = smtp.password { soko_curl_setopt_string(easy, CURLOPT_PASSWORD, password) }
        soko_curl_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(mail.from)>")
        var recipients: UnsafeMutablePointer<curl_slist>?
        for recipient in mail.recipients { recipients = soko_curl_slist_append(recipients, "<\(recipient)>") }
        transfer.lists.append(recipients)
        soko_curl_setopt_pointer(easy, CURLOPT_MAIL_RCPT, UnsafeMutableRawPointer(recipients))
        transfer.upload = mail.message
        soko_curl_setopt_long(easy, CURLOPT_UPLOAD, 1)
        soko_curl_setopt_offset(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(mail.message.count))
        soko_curl_setopt_pointer(easy, CURLOPT_READDATA, me)
        soko_curl_setopt_read_function(easy) { buffer, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let room = size * count
            let remaining = transfer.upload.count - transfer.uploaded
            let length = min(room, remaining)
            if length > 0 {
                transfer.upload.withUnsafeBytes { bytes in
                    UnsafeMutableRawPointer(buffer!).copyMemory(
                        from: bytes.baseAddress! + transfer.uploaded, byteCount: length)
                }
                transfer.uploaded += length
            }
            return length
        }
    }
}
