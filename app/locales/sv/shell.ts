import common from "./common.json";
import identity from "./identity.json";

/** The shell's namespaces, which every page needs (root's handle): one chunk for both, one download less. */
export { common, identity };
