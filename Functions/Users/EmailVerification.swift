import Contracts
import SokoFunctions

/// The moment an account proves it owns its address (its verification link, or a password reset
/// link — both arrive only in that inbox): `email_verified_at` is set once, and `user.email_verified`
/// is emitted with the change, once, so Orders can give the account the guest orders placed with
/// that address (a claim that must wait for the proof, or registering someone else's email would
/// show their orders).
enum EmailVerification {
    /// Marks `userID`'s email verified at `time` inside the caller's transaction; emits the event
    /// if it was not verified before. Returns whether it changed.
    @discardableResult
    static func markVerified(userID: String, at time: WallTime, _ tx: Transaction) throws -> Bool {
        let changed = try tx.execute(
            "UPDATE users SET email_verified_at = $1, updated_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
            [.text(time.timestamp), .text(userID)])
        guard changed == 1,
            let row = try tx.query("SELECT email, name FROM users WHERE id = $1", [.text(userID)]).first,
            let email = try row.string("email")
        else { return false }
        try tx.emit(UsersEvents.emailVerified, UserContact(userID: userID, email: email, name: try row.string("name") ?? ""))
        return true
    }
}
