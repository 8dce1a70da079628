import { createContext, useContext } from "react";

const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

/** The request's CSP nonce, for the inline scripts Remix renders. */
export function useNonce(): string {
  return useContext(NonceContext);
}
