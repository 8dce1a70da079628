export * from "./people";
export * from "./care";
export * from "./record";
export * from "./booking";
export * from "./messages";
export * from "./audit";
export * from "./identity";
export * from "./rate-limits";
