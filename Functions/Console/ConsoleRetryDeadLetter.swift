import ShopWeb
import SokoFunctions

/// `POST /admin/dead-letters/retry` (`service`, `event_id`) → 303 back to the list with what happened.
struct ConsoleRetryDeadLetter: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        guard let service = form["service"], Console.servicesWithOutboxes.contains(service), let eventID = form["event_id"]
        else { return page.redirect("/admin/dead-letters", flash: "Choose a dead letter to retry.") }
        do {
            let retried = try await context.invoke(DeadLetters.retry(service), DeadLetterRetry(eventID: eventID))
            return page.redirect(
                "/admin/dead-letters",
                flash: "Event \(eventID) is queued again for \(retried.requeued) consumer\(retried.requeued == 1 ? "" : "s").")
        } catch let error as InvocationError where error.status == 404 {
            return page.redirect("/admin/dead-letters", flash: "That dead letter is gone. It may have been retried already.")
        }
    }
}
