// Switches of the traceability gate.

/**
 * The code-tag rules (spec/README.md, "The traceability gate"):
 * - a must-level row whose Where names lib/ files has at least one ID-tagged line in lib/;
 * - a test is credited with an ID only if it ran at least one line tagged with that ID
 *   (when the ID has tagged lines at all); naming an ID it did not run fails the gate;
 * - an ID comment in lib/ that names no row fails the gate (a warning while off).
 * Off until the ID comments have landed in lib/; then it stays on.
 */
export const REQUIRE_CODE_TAGS: boolean = false;
