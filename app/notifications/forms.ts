/** The contact settings form's fields as the page shows them: what was saved, or what was posted when it had errors. */
export interface ContactFormValues {
  email: string;
  mobile: string;
  byEmail: boolean;
  bySms: boolean;
  onNewMessage: boolean;
}
