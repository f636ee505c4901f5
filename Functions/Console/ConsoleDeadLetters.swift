import ShopWeb
import SokoFunctions

/// Every service's dead letters, from the host's `_deadLetters` functions (``DeadLetters``),
/// called as the console's service once the page has checked the admin. A service that cannot be
/// reached is named, not hidden.
struct DeadLetterSummary: Sendable {
    var lists: [DeadLetterList] = []
    var unreachable: [(service: String, reason: String)] = []

    var total: Int { lists.reduce(0) { $0 + $1.items.count } }

    static func load(_ context: FunctionContext) async -> DeadLetterSummary {
        var summary = DeadLetterSummary()
        for service in Console.servicesWithOutboxes {
            do {
                summary.lists.append(try await context.invoke(DeadLetters.list(service), DeadLetterQuery(limit: 200)))
            } catch let error as InvocationError {
                summary.unreachable.append((service, error.problem.detail))
            } catch {
                summary.unreachable.append((service, "\(error)"))
            }
        }
        return summary
    }
}

/// `GET /admin/dead-letters` — event deliveries that failed for good, per service, each with a
/// Retry button (``ConsoleRetryDeadLetter``).
struct ConsoleDeadLetters: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        let summary = await DeadLetterSummary.load(context)
        let csrf = page.web.csrfField
        let rows = HTML.join(
            summary.lists.flatMap { list in
                list.items.map { letter -> HTML in
                    """
                    <tr><td>\(list.service)</td><td>\(letter.event)</td><td>\(letter.consumer)</td>\
                    <td class="num">\(letter.attempts)</td><td>\(letter.lastError)</td><td>\(ConsoleLayout.time(letter.failedAt))</td>\
                    <td><form method="post" action="/admin/dead-letters/retry">\(csrf)\
                    <input type="hidden" name="service" value="\(list.service)">\
                    <input type="hidden" name="event_id" value="\(letter.eventID)">\
                    <button type="submit" aria-label="Retry \(letter.event) for \(letter.consumer)">Retry</button></form></td></tr>
                    """
                }
            })
        let problems = HTML.join(summary.unreachable.map { "<li>\($0.service): \($0.reason)</li>" })
        let body: HTML =
            summary.total == 0
            ? "<p>No dead letters: every event reached its consumers.</p>"
            : """
            <div class="table"><table>
            <thead><tr><th scope="col">Service</th><th scope="col">Event</th><th scope="col">Consumer</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th><th scope="col">Failed</th><th scope="col">Action</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table></div>
            """
        return page.page(
            "Dead letters", current: .deadLetters,
            main: """
                <h1>Dead letters</h1>
                <p>Events whose consumer failed every retry. Fix the cause, then retry: the event is delivered again with a fresh set of retries.</p>
                \(body)
                \(summary.unreachable.isEmpty ? HTML.empty : "<h2>Not reachable</h2><ul>\(problems)</ul>")
                """)
    }
}
