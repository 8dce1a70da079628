import common from "./sv/common.json";
import identity from "./sv/identity.json";
import booking from "./sv/booking.json";
import record from "./sv/record.json";
import notifications from "./sv/notifications.json";

/** Every namespace's texts in one language. The browser loads only the language of the page it shows. */
export default { common, identity, record, booking, notifications };
