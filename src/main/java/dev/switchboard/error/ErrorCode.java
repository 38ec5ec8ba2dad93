package dev.switchboard.error;

/**
 * Every failure the server reports, with the HTTP status and the Graph error {@code code} it maps to.
 * The mapping to the wire happens once, in the api package's {@code GraphErrors}.
 */
public enum ErrorCode {
    BAD_REQUEST(400, "BadRequest"),
    INVALID_REQUEST(400, "invalidRequest"),
    NOT_SUPPORTED_IN_P2P(400, "NotSupportedInPeerToPeerCall"),
    INVALID_AUTHENTICATION_TOKEN(401, "InvalidAuthenticationToken"),
    ACCESS_DENIED(403, "accessDenied"),
    FORBIDDEN(403, "Forbidden"),
    ITEM_NOT_FOUND(404, "itemNotFound"),
    METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
    CONFLICT(409, "Conflict"),
    REQUEST_TIMEOUT(408, "RequestTimeout"),
    PAYLOAD_TOO_LARGE(413, "RequestEntityTooLarge"),
    URI_TOO_LONG(414, "UriTooLong"),
    UNSUPPORTED_MEDIA_TYPE(415, "UnsupportedMediaType"),
    /** A request of a JSON batch not run because one it depends on failed. */
    FAILED_DEPENDENCY(424, "FailedDependency"),
    TOO_MANY_REQUESTS(429, "TooManyRequests"),
    HEADERS_TOO_LARGE(431, "RequestHeaderFieldsTooLarge"),
    INTERNAL(500, "generalException"),
    NOT_IMPLEMENTED(501, "NotImplemented"),
    SERVICE_UNAVAILABLE(503, "serviceNotAvailable"),
    /** A request of a JSON batch that ran but was not answered in time. */
    GATEWAY_TIMEOUT(504, "GatewayTimeout");

    private final int httpStatus;
    private final String graphCode;

    ErrorCode(int httpStatus, String graphCode) {
        this.httpStatus = httpStatus;
        this.graphCode = graphCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String graphCode() {
        return graphCode;
    }
}
