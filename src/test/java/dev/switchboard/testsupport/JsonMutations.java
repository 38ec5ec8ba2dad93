package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.DevIdentities;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Random changes to a valid JSON request body, for fuzzing: a value replaced by one of another kind (null, booleans,
 * numbers at their limits, strings empty, long or exotic, arrays, objects), a field removed, a value wrapped in an
 * array or an array's element repeated, unknown fields, the bytes cut short, bodies that are not JSON objects, other
 * content types, a member given twice, a string replaced by another id.
 */
public final class JsonMutations {
    private JsonMutations() {
    }

    private static final String[] CONTENT_TYPES = {"text/plain", "application/xml", "application/x-www-form-urlencoded",
            "application/json; charset=utf-16", "multipart/form-data; boundary=x", ""};

    /**
     * The valid body {@code valid} changed once at random.
     *
     * @param ids strings a mutation may put where a string was: the scene's call and participant ids
     */
    public static Mutation mutate(JsonNode valid, List<String> ids, Random r) {
        JsonNode tree = valid.deepCopy();
        int kind = r.nextInt(12);
        switch (kind) {
            case 0, 1, 2: {      // a value replaced by one of another kind
                Slot slot = pick(tree, r, true);
                JsonNode odd = odd(r);
                if (slot == null) {
                    return json("root replaced by " + odd, odd);
                }
                slot.set(odd);
                return json(slot.path() + " replaced by " + Mutation.abbreviate(odd), tree);
            }
            case 3: {            // a field removed
                Slot slot = pick(tree, r, false);
                if (slot == null || !slot.remove()) {
                    return json("nothing to remove: unknown field added", withUnknownField(tree));
                }
                return json(slot.path() + " removed", tree);
            }
            case 4: {            // a value wrapped in an array, or an array's first element repeated many times
                Slot slot = pick(tree, r, true);
                if (slot == null) {
                    return json("root wrapped in an array", JsonNodeFactory.instance.arrayNode().add(tree));
                }
                JsonNode v = slot.get();
                if (v.isArray() && !v.isEmpty() && r.nextBoolean()) {
                    ArrayNode many = JsonNodeFactory.instance.arrayNode();
                    int n = 2 + r.nextInt(400);
                    for (int i = 0; i < n; i++) {
                        many.add(v.get(0).deepCopy());
                    }
                    slot.set(many);
                    return json(slot.path() + "'s first element " + n + " times", tree);
                }
                slot.set(JsonNodeFactory.instance.arrayNode().add(v));
                return json(slot.path() + " wrapped in an array", tree);
            }
            case 5:              // unknown fields, anywhere
                return json("unknown fields added", withUnknownField(tree));
            case 6: {            // the bytes cut short
                byte[] bytes = tree.toString().getBytes(StandardCharsets.UTF_8);
                int cut = r.nextInt(bytes.length);
                return new Mutation("cut at byte " + cut, "application/json", java.util.Arrays.copyOf(bytes, cut));
            }
            case 7: {            // not JSON at all, or JSON that is not an object
                String[] bodies = {"", " ", "null", "[]", "\"text\"", "42", "true", "{", "}", "{\"a\":}", "\u0000",
                        "{\"clientContext\":\"\\ud800\"}", "<call/>", "clientContext=x", "{'clientContext':'x'}",
                        "{\"a\":1}{\"b\":2}", "\ufeff" + tree};
                String b = bodies[r.nextInt(bodies.length)];
                return new Mutation("body " + Mutation.abbreviate(b), "application/json", b.getBytes(StandardCharsets.UTF_8));
            }
            case 8: {            // the valid body under another content type
                String type = CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)];
                byte[] bytes = type.contains("utf-16") ? tree.toString().getBytes(StandardCharsets.UTF_16)
                        : tree.toString().getBytes(StandardCharsets.UTF_8);
                return new Mutation("content type " + type, type, bytes);
            }
            case 9: {            // a key given twice, the second with an odd value
                if (!(tree instanceof ObjectNode o) || o.isEmpty()) {
                    return json("duplicate on a non-object: unknown field", withUnknownField(tree));
                }
                Iterator<String> names = o.fieldNames();
                List<String> all = new ArrayList<>();
                names.forEachRemaining(all::add);
                String key = all.get(r.nextInt(all.size()));
                String text = tree.toString();
                String dup = "{\"" + key + "\":" + odd(r) + "," + text.substring(1);
                return new Mutation("duplicate key " + key, "application/json", dup.getBytes(StandardCharsets.UTF_8));
            }
            default: {           // a string replaced by another id: the other user, another call, a fresh GUID
                Slot slot = pickString(tree, r);
                if (slot == null) {
                    return json("no string: unknown field", withUnknownField(tree));
                }
                List<String> choices = new ArrayList<>(ids);
                choices.addAll(List.of(java.util.UUID.randomUUID().toString(), DevIdentities.CAROL_ID,
                        DevIdentities.BOB_ID, DevIdentities.ALICE_ID, DevIdentities.DEV_BOT_APP_ID,
                        DevIdentities.P2P_BOT_APP_ID, slot.get().asText().toUpperCase(java.util.Locale.ROOT),
                        " " + slot.get().asText()));
                String id = choices.get(r.nextInt(choices.size()));
                slot.set(JsonNodeFactory.instance.textNode(id));
                return json(slot.path() + " = " + id, tree);
            }
        }
    }

    static Mutation json(String what, JsonNode tree) {
        return new Mutation(what, "application/json", tree.toString().getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode withUnknownField(JsonNode tree) {
        if (tree instanceof ObjectNode o) {
            o.put("unknownProperty", "x");
            o.putObject("@odata.unknown").put("nested", 1);
        }
        return tree;
    }

    static JsonNode odd(Random r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (r.nextInt(19)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(r.nextBoolean());
            case 2 -> f.numberNode(0);
            case 3 -> f.numberNode(-1);
            case 4 -> f.numberNode(Integer.MAX_VALUE + 1L);
            case 5 -> f.numberNode(Long.MIN_VALUE);
            case 6 -> f.numberNode(1.5);
            case 7 -> f.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 8 -> f.numberNode(1e308);
            case 9 -> f.textNode("");
            case 10 -> f.textNode("x".repeat(257));
            case 11 -> f.textNode("y".repeat(70_000));
            case 12 -> f.textNode("\u0000\u001f\ud83d\ude00 é\u202e");
            case 13 -> f.textNode("#microsoft.graph.identitySet");
            case 14 -> f.arrayNode();
            case 15 -> f.arrayNode().addNull();
            case 16 -> f.objectNode();
            case 17 -> f.objectNode().put("@odata.type", "#microsoft.graph.somethingElse");
            default -> f.textNode("-1");
        };
    }

    /** A place in the tree: a field of an object or an element of an array. */
    record Slot(JsonNode parent, String field, int index, String path) {
        JsonNode get() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode v) {
            if (field != null) {
                ((ObjectNode) parent).set(field, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }

        boolean remove() {
            if (field != null) {
                ((ObjectNode) parent).remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
            return true;
        }
    }

    static List<Slot> slots(JsonNode node, String path, List<Slot> out) {
        if (node instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(name -> {
                out.add(new Slot(o, name, -1, path + "." + name));
                slots(o.get(name), path + "." + name, out);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i, path + "[" + i + "]"));
                slots(a.get(i), path + "[" + i + "]", out);
            }
        }
        return out;
    }

    /** A random slot; with {@code orRoot}, sometimes none (the root itself). */
    static Slot pick(JsonNode tree, Random r, boolean orRoot) {
        List<Slot> all = slots(tree, "$", new ArrayList<>());
        if (all.isEmpty() || (orRoot && r.nextInt(12) == 0)) {
            return null;
        }
        return all.get(r.nextInt(all.size()));
    }

    static Slot pickString(JsonNode tree, Random r) {
        List<Slot> strings = slots(tree, "$", new ArrayList<>()).stream().filter(s -> s.get().isTextual()).toList();
        return strings.isEmpty() ? null : strings.get(r.nextInt(strings.size()));
    }
}
