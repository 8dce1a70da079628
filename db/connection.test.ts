import { describe, expect, it } from "vitest";
import { socketOf } from "./connection";

describe("socketOf", () => {
  it("reads a Unix socket's folder as libpq names it (?host=/dir), and leaves the rest of the address", () => {
    expect(socketOf("postgres://postgres@localhost/portal?host=/var/run/postgresql")).toEqual({
      url: "postgres://postgres@localhost/portal",
      socketPath: "/var/run/postgresql/.s.PGSQL.5432",
    });
    expect(socketOf("postgres://u:p@localhost:5433/portal?host=/tmp/&sslmode=disable")).toEqual({
      url: "postgres://u:p@localhost:5433/portal?sslmode=disable",
      socketPath: "/tmp/.s.PGSQL.5433",
    });
  });

  it("leaves a TCP address as it is", () => {
    expect(socketOf("postgres://postgres@127.0.0.1:5432/portal")).toEqual({ url: "postgres://postgres@127.0.0.1:5432/portal" });
    expect(socketOf("postgres://postgres@db.example/portal?host=db2.example")).toEqual({ url: "postgres://postgres@db.example/portal?host=db2.example" });
  });
});
