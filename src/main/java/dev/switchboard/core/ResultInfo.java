package dev.switchboard.core;

/**
 * Graph's {@code resultInfo}: why a call ended or how an operation finished (codes from the facts' table §4.3).
 *
 * @param code    HTTP-like code
 * @param subcode supplementary detail
 * @param message human-readable, may be null
 */
public record ResultInfo(int code, int subcode, String message) {
    /** The bot hung up ({@code DELETE} on the call); the doc's example of call-delete. */
    public static final ResultInfo BOT_HUNG_UP = new ResultInfo(200, 5001, "The conversation has ended.");
    /** No keep-alive within the timeout. */
    public static final ResultInfo KEEP_ALIVE_TIMEOUT = new ResultInfo(408, 8537,
            "The call was inactive: no keep-alive was received in time.");
    /** The other party of a peer-to-peer call left. */
    public static final ResultInfo P2P_PEER_LEFT = new ResultInfo(200, 4521, "The other participant ended the call.");
    /** Another bot in the call removed this bot's participant. */
    public static final ResultInfo REMOVED_BY_PARTICIPANT = new ResultInfo(200, 5300,
            "The participant was removed by another participant.");
    /** The server stopped while the call was live. */
    public static final ResultInfo SERVER_SHUTDOWN = new ResultInfo(503, 0, "The server is shutting down.");
    /** The server died (crash, kill -9) while the call was live; told by the restarted server (docs/durability.md). */
    public static final ResultInfo SERVER_RESTARTED = new ResultInfo(500, 9001, "The server restarted; the call was lost.");
    /** Cluster mode: the node that held the call died; a surviving node ended it (docs/cluster.md). */
    public static final ResultInfo NODE_LOST = new ResultInfo(503, 9002, "The node that held the call stopped; the call was lost.");
    /** An operation that finished well. */
    public static final ResultInfo SUCCESS = new ResultInfo(200, 0, "Action completed successfully.");
    /** A peer-to-peer call whose callee did not join within the ringing timeout (same code as an unanswered invitation). */
    public static final ResultInfo RINGING_TIMEOUT = new ResultInfo(408, 10057,
            "The callee did not answer before the call timed out.");
    /** An invitation nobody answered in time. */
    public static final ResultInfo INVITE_TIMEOUT = new ResultInfo(408, 10057,
            "The invited participant did not join before the invitation timed out.");

    /** An incoming call the bot neither answered, rejected nor redirected within the answer window (facts §4.3: 408/1106). */
    public static final ResultInfo NOT_ANSWERED_IN_TIME = new ResultInfo(408, 1106,
            "The call was not answered, rejected or redirected within the answer window.");
    /** The bot rejected an incoming call with reason {@code none} (SIP's 603 Decline). */
    public static final ResultInfo REJECTED = new ResultInfo(603, 0, "The call was declined.");
    /** The bot rejected an incoming call with reason {@code busy} (SIP's 486 Busy Here). */
    public static final ResultInfo REJECTED_BUSY = new ResultInfo(486, 0, "The callee is busy.");
    /** The bot rejected an incoming call with reason {@code forbidden} (SIP's 403). */
    public static final ResultInfo REJECTED_FORBIDDEN = new ResultInfo(403, 0, "The callee refused the call.");
    /** The bot redirected the incoming call elsewhere: its own leg ends (the caller's call goes on ringing). */
    public static final ResultInfo REDIRECTED = new ResultInfo(200, 5001, "The call was redirected.");
    /** A redirected call nobody answered before the redirect's timeout. */
    public static final ResultInfo REDIRECT_TIMEOUT = new ResultInfo(408, 10057,
            "The redirect target did not answer before the timeout.");
    /** A blind transfer completed: the bot's call ends (facts IVR §3: code 0, subcode 7015). */
    /** Switchboard's (Graph documents none): one of several targets rung at once answered, so this one's ring ends (SIP 487). */
    public static final ResultInfo ANSWERED_ELSEWHERE = new ResultInfo(487, 0, "The call was answered elsewhere.");
    public static final ResultInfo TRANSFER_COMPLETED = new ResultInfo(0, 7015, "GracefulTransferCompleted");
    /** A transfer failed: the target refused or did not answer; the call stays established (facts IVR §3: 500/7000). */
    /** A call another replaced (its user moved there: consultative transfer, invitation with replacesCallId) ended. */
    public static final ResultInfo REPLACED = new ResultInfo(0, 7015, "The call was replaced: its participant moved to another call.");
    /** A consultative transfer or replacing invitation could not move its user (Graph's 7700); the calls go on. */
    public static final ResultInfo REPLACE_FAILED = new ResultInfo(500, 7700,
            "The participant left the call to be replaced before they could be moved.");
    /**
     * A transfer out of a group call was called off while its target rang: the group call ended, or the transferee left
     * it (Switchboard's; what the target's ring ends with).
     */
    public static final ResultInfo TRANSFER_CANCELLED = new ResultInfo(487, 0,
            "The transfer was cancelled before it completed.");
    /** The transferee of a transfer out of a group call left before the target answered (Switchboard's message). */
    public static final ResultInfo TRANSFEREE_LEFT = new ResultInfo(500, 7000,
            "The transfer failed: the transferee left the call first.");
    public static final ResultInfo TRANSFER_FAILED = new ResultInfo(500, 7000, "The transfer target did not accept the call.");
}
