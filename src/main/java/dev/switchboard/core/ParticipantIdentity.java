package dev.switchboard.core;

/**
 * Who a participant is: one slot of Graph's {@code identitySet}.
 *
 * @param kind        which slot
 * @param id          the user's object id, the app id or the application instance id; never null
 * @param displayName may be null
 * @param tenantId    the identity's tenant; may be null
 */
public record ParticipantIdentity(Kind kind, String id, String displayName, String tenantId) {

    /** The {@code identitySet} slots Switchboard fills. */
    public enum Kind {
        USER("user"), APPLICATION("application"), APPLICATION_INSTANCE("applicationInstance");

        private final String slot;

        Kind(String slot) {
            this.slot = slot;
        }

        /** The property name inside {@code identitySet}. */
        public String slot() {
            return slot;
        }
    }

    public ParticipantIdentity {
        if (kind == null || id == null || id.isBlank()) {
            throw new IllegalArgumentException("an identity needs a kind and an id");
        }
    }

    public static ParticipantIdentity user(String id, String displayName, String tenantId) {
        return new ParticipantIdentity(Kind.USER, id, displayName, tenantId);
    }

    public static ParticipantIdentity application(String id, String displayName, String tenantId) {
        return new ParticipantIdentity(Kind.APPLICATION, id, displayName, tenantId);
    }

    /** Whether both name the same slot and id (display names do not matter). */
    public boolean sameAs(ParticipantIdentity other) {
        return other != null && kind == other.kind && id.equals(other.id);
    }
}
