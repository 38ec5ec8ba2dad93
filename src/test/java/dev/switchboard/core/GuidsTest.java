package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class GuidsTest {

    @Test
    void aCanonicalLowercaseGuidIsItsUuidsTwoHalves() {
        for (int i = 0; i < 1000; i++) {
            UUID u = UUID.fromString(Ids.next());
            long[] halves = new long[2];
            assertThat(Guids.parseCanonical(u.toString(), halves)).isTrue();
            assertThat(halves).containsExactly(u.getMostSignificantBits(), u.getLeastSignificantBits());
        }
        long[] halves = new long[2];
        assertThat(Guids.parseCanonical("ffffffff-ffff-ffff-ffff-ffffffffffff", halves)).isTrue();
        assertThat(halves).containsExactly(-1L, -1L);
    }

    @Test
    void anythingElseIsNotCanonicalAndLeavesTheHalvesAlone() {
        String[] others = {null, "", "b5a1e4c2-0f3d-4a9e-8c11-2f6e7d8a9b0", "B5A1E4C2-0F3D-4A9E-8C11-2F6E7D8A9B0C",
                "b5a1e4c2-0f3d-4a9e-8c11-2f6e7d8a9b0c0", "b5a1e4c2_0f3d-4a9e-8c11-2f6e7d8a9b0c",
                "b5a1e4c20f3d-4a9e-8c11-2f6e7d8a9b0c-", "b5a1e4c2-0f3d-4a9e-8c11-2f6e7d8a9b0g", "not a guid at all, 36 chars long!!!!"};
        for (String id : others) {
            long[] halves = {7, 9};
            assertThat(Guids.parseCanonical(id, halves)).as(String.valueOf(id)).isFalse();
            assertThat(halves).containsExactly(7, 9);
        }
    }
}
