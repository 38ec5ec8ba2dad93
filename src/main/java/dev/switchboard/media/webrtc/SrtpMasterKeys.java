package dev.switchboard.media.webrtc;

import java.util.Arrays;

/**
 * One direction's SRTP master key and salt.
 *
 * @param profile the protection profile they are for
 * @param key     the master key, {@link SrtpProfile#keyLength()} bytes
 * @param salt    the master salt, {@link SrtpProfile#saltLength()} bytes
 */
public record SrtpMasterKeys(SrtpProfile profile, byte[] key, byte[] salt) {

    public SrtpMasterKeys {
        if (key.length != profile.keyLength() || salt.length != profile.saltLength()) {
            throw new IllegalArgumentException("master key/salt lengths do not fit " + profile);
        }
        key = key.clone();
        salt = salt.clone();
    }

    /**
     * Splits DTLS-SRTP exporter output (RFC 5764 §4.2: client key, server key, client salt, server salt).
     *
     * @param client true for the keys the DTLS client protects with, false for the server's
     */
    public static SrtpMasterKeys fromExporter(SrtpProfile profile, byte[] material, boolean client) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (material.length != profile.exporterLength()) {
            throw new IllegalArgumentException("exporter material must be " + profile.exporterLength() + " bytes");
        }
        int keyOffset = client ? 0 : k;
        int saltOffset = 2 * k + (client ? 0 : s);
        return new SrtpMasterKeys(profile, Arrays.copyOfRange(material, keyOffset, keyOffset + k),
                Arrays.copyOfRange(material, saltOffset, saltOffset + s));
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpMasterKeys m && m.profile == profile && Arrays.equals(m.key, key) && Arrays.equals(m.salt, salt);
    }

    @Override
    public int hashCode() {
        return 31 * profile.hashCode() + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "SrtpMasterKeys[" + profile + ", key and salt hidden]";
    }
}
