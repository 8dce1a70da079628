// Routes reach the database through this .server module, so the browser bundle never pulls in the drivers.
export { database } from "../../db/connection";
