import SokoFunctions
import SokoHTTP

extension HostRequestHandler {
    /// `/healthz` (alive), `/readyz` (serving, not draining) and `/metrics` (Prometheus text).
    func serveBuiltin(_ endpoint: BuiltinEndpoint, request: HTTPRequest, requestID: String, responder: HTTPResponder) {
        guard request.head.method == "GET" || request.head.method == "HEAD" else {
            let problem = Problem(status: 405, code: "method-not-allowed", detail: "\(endpoint.rawValue) accepts GET and HEAD")
            send(
                ProblemRendering.response(problem, requestID: requestID, headers: ["Allow": "GET, HEAD"]),
                requestID: requestID, responder: responder)
            return
        }
        switch endpoint {
        case .healthz:
            send(.json(#"{"status":"ok"}"#), requestID: requestID, responder: responder)
        case .readyz:
            if readiness.isReady {
                send(.json(#"{"status":"ready"}"#), requestID: requestID, responder: responder)
            } else {
                let problem = Problem(status: 503, code: "not-ready", detail: "the host is starting or draining")
                send(
                    ProblemRendering.response(problem, requestID: requestID, headers: ["Retry-After": "1"]),
                    requestID: requestID, responder: responder)
            }
        case .metrics:
            let states = self.states
            let functions = pipeline.services.functions
            let loki = pipeline.services.loki
            Task(executorPreference: responder.loop.executor) {
                var merged = Array(repeating: FunctionCounters(), count: functions.count)
                for state in states {
                    let shard = await withCheckedContinuation { continuation in
                        state.loop.executeSoon { continuation.resume(returning: state.counters) }
                    }
                    for i in merged.indices { merged[i].merge(shard[i]) }
                }
                let text = PrometheusText.render(functions: functions, counters: merged, droppedLogLines: loki?.dropped)
                self.send(
                    FunctionResponse(
                        status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: Array(text.utf8)), requestID: requestID, responder: responder)
            }
        }
    }

    private func send(_ response: FunctionResponse, requestID: String, responder: HTTPResponder) {
        var headers = response.headers
        headers.set("X-Request-ID", requestID)
        headers.set("Cache-Control", "no-store")
        responder.respond(HTTPResponse(status: response.status, headers: headers, body: response.body))
    }
}

extension FunctionResponse {
    /// A JSON body given as literal text.
    static func json(_ literal: String) -> FunctionResponse {
        FunctionResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(literal.utf8))
    }
}
