// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { Bar, ErrorNote } from "./ui";

describe("ErrorNote", () => {
  it("shows the API's error code and message as an alert", () => {
    render(<ErrorNote error={new ApiError("InvalidSignatureException", "The request signature we calculated does not match.")} context="Sign in" />);
    expect(screen.getByRole("alert").textContent).toBe(
      "Sign in: InvalidSignatureException: The request signature we calculated does not match.",
    );
  });
});

describe("Bar", () => {
  it("is a meter with its figures in words", () => {
    render(<Bar label="CPU reserved" part={512} whole={2048} text="512 of 2048" />);
    const meter = screen.getByRole("meter", { name: "CPU reserved" });
    expect(meter.getAttribute("aria-valuetext")).toBe("512 of 2048");
    expect((meter.firstChild as HTMLElement).style.width).toBe("25%");
  });
});
