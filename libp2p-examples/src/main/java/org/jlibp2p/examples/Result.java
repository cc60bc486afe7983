package org.jlibp2p.examples;

import java.util.Map;

/**
 * What a command found, in the two forms the tool prints: one JSON object (with {@code --json}) and
 * a short text for people. Each command's results are records implementing this, so their fields
 * are typed and their JSON field names are in one place.
 */
interface Result {
    /** {@return true if the command did what it was asked: exit code 0, else 1} */
    boolean ok();

    /** {@return the JSON object, its fields in order; it has {@code action} and {@code ok}} */
    Map<String, Object> json();

    /** {@return the lines people read} */
    String human();

    /**
     * A command that failed: {@code {"action":..., "ok":false, "error":..., "errorType":...}}.
     *
     * @param action    the command
     * @param error     what went wrong, in words
     * @param errorType a short name for it: the exception's simple name, or one the command defines
     */
    record Failure(String action, String error, String errorType) implements Result {
        static Failure of(String action, Throwable e) {
            return new Failure(action, e.getMessage() == null ? e.toString() : e.getMessage(), e.getClass().getSimpleName());
        }

        @Override
        public boolean ok() {
            return false;
        }

        @Override
        public Map<String, Object> json() {
            return Json.object("action", action, "ok", false, "error", error, "errorType", errorType);
        }

        @Override
        public String human() {
            return action + " failed: " + error;
        }
    }
}
