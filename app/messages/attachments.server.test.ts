import { describe, expect, it } from "vitest";
import { cleanFileName, sniffType } from "~/utils/files";
import { checkAttachments, contentDisposition, downloadName } from "./attachments.server";
import { ATTACHMENT_MAX_BYTES } from "./limits";
import { EXE, GIF, HTML, JPEG, PDF, PNG, SVG } from "./test-files";

/** The type of a file is what its content says, never its name; the limits; the download's name in its header. */

describe("sniffing a file's type", () => {
  it.each([
    ["a PDF", PDF, "application/pdf"],
    ["a JPEG", JPEG, "image/jpeg"],
    ["a PNG", PNG, "image/png"],
    ["a GIF", GIF, "image/gif"],
  ] as const)("%s is what it is", (_name, bytes, type) => {
    expect(sniffType(bytes)).toBe(type);
  });

  it.each([
    ["an executable", EXE],
    ["HTML", HTML],
    ["SVG", SVG],
    ["nothing", new Uint8Array()],
    ["a PNG header cut short", PNG.subarray(0, 12)],
    ["a GIF header cut short", GIF.subarray(0, 8)],
    ["a PDF header cut short", PDF.subarray(0, 4)],
    ["a JPEG's first two bytes", JPEG.subarray(0, 2)],
  ] as const)("%s is no allowed type", (_name, bytes) => {
    expect(sniffType(bytes)).toBeNull();
  });

  it("a name that lies is not believed: a PNG named .pdf is a PNG, an executable named .png is refused", () => {
    const { attachments, error } = checkAttachments([{ fileName: "intyg.pdf", bytes: PNG }]);
    expect(error).toBeNull();
    expect(attachments[0]).toMatchObject({ fileName: "intyg.pdf", contentType: "image/png" });
    for (const [fileName, bytes] of [["bild.png", EXE], ["bild.png", HTML], ["bild.png", SVG], ["bild.png", PNG.subarray(0, 10)]] as const) {
      expect(checkAttachments([{ fileName, bytes }]).error).toEqual({ key: "messages:errors.attachment_type", values: { names: "bild.png" } });
    }
  });
});

describe("the limits", () => {
  it("five files pass, six do not", () => {
    const file = { fileName: "a.png", bytes: PNG };
    expect(checkAttachments(Array(5).fill(file)).error).toBeNull();
    expect(checkAttachments(Array(6).fill(file)).error).toEqual({ key: "messages:errors.too_many_attachments", values: { max: 5, count: 6 } });
  });

  it("10 MB passes, 10 MB and one byte does not (nor a file the form marked too large)", () => {
    const exactly = new Uint8Array(ATTACHMENT_MAX_BYTES);
    exactly.set(PDF);
    expect(checkAttachments([{ fileName: "a.pdf", bytes: exactly }]).error).toBeNull();
    const over = new Uint8Array(ATTACHMENT_MAX_BYTES + 1);
    over.set(PDF);
    expect(checkAttachments([{ fileName: "b.pdf", bytes: over }]).error).toEqual({ key: "messages:errors.attachment_too_large", values: { names: "b.pdf", max: 10 } });
    expect(checkAttachments([{ fileName: "c.pdf", bytes: PDF, tooLarge: true }]).error?.key).toBe("messages:errors.attachment_too_large");
  });
});

describe("names", () => {
  it("keeps the last path segment without control characters", () => {
    expect(cleanFileName("C:\\Users\\anna\\utslag.jpg")).toBe("utslag.jpg");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\u0000b\r\nc.png")).toBe("abc.png");
    expect(cleanFileName("   ")).toBe("attachment");
  });

  it("the download's name ends as its content does", () => {
    expect(downloadName("intyg.pdf", "image/png")).toBe("intyg.pdf.png");
    expect(downloadName("FOTO.JPEG", "image/jpeg")).toBe("FOTO.JPEG");
  });

  it("Content-Disposition carries an ASCII fallback and the exact name (RFC 6266/5987); nothing can break out", () => {
    expect(contentDisposition("Provsvar åäö.pdf")).toBe(`attachment; filename="Provsvar ___.pdf"; filename*=UTF-8''Provsvar%20%C3%A5%C3%A4%C3%B6.pdf`);
    const header = contentDisposition('x"; filename="evil.html\\.pdf');
    expect(header).toBe(`attachment; filename="x__ filename=_evil.html_.pdf"; filename*=UTF-8''x%22%3B%20filename%3D%22evil.html%5C.pdf`);
    expect(contentDisposition("it's (1).png")).toContain("filename*=UTF-8''it%27s%20%281%29.png");
  });
});
