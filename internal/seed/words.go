package seed

// Word lists the generator draws from. They are a helpdesk's vocabulary, so
// seeded tickets read plausibly and full-text search has common words (printer,
// password) as well as rare ones (a product or a city) to find.

var firstNames = []string{
	"Alex", "Sam", "Jo", "Robin", "Kim", "Pat", "Chris", "Taylor", "Jordan", "Morgan",
	"Jamie", "Casey", "Riley", "Avery", "Quinn", "Noah", "Emma", "Liam", "Olivia", "Mia",
	"Lucas", "Sofia", "Elena", "Marco", "Yuki", "Hana", "Aisha", "Omar", "Priya", "Ravi",
	"Ingrid", "Lars", "Chloé", "Zoë", "José", "Ana", "Mateo", "Lea", "Finn", "Nora",
}

var lastNames = []string{
	"Smith", "Jones", "Garcia", "Müller", "Rossi", "Dubois", "Kowalski", "Nguyen", "Kim", "Tanaka",
	"Silva", "Jensen", "Novak", "Petrov", "O'Brien", "Schmidt", "Haddad", "Patel", "Singh", "Cohen",
	"Lopez", "Martin", "Bernard", "Larsen", "Fischer", "Costa", "Ivanova", "Sato", "Ali", "Brown",
}

var groupNames = []string{
	"IT Support", "Phone Support", "Network", "Hardware", "Accounts", "Billing", "Facilities", "Onboarding",
	"Security", "Procurement", "Field Service", "Escalations",
}

var products = []string{
	"laptop", "printer", "VPN", "email", "calendar", "monitor", "docking station", "headset", "phone",
	"badge", "Wi-Fi", "password", "shared drive", "CRM", "payroll portal", "expense app", "webcam",
	"keyboard", "scanner", "projector", "intranet", "chat app", "MFA token", "license",
}

var problems = []string{
	"not working", "keeps crashing", "is very slow", "won't start", "shows an error", "disconnects every hour",
	"cannot log in", "stopped syncing", "is missing", "needs replacing", "makes a strange noise",
	"asks for a password again", "freezes after the update", "prints blank pages", "is locked",
}

// Templates name their blanks: {product} and {problem} are the ticket's own,
// {num}, {city}, {day} and {order} are drawn for each use.
var subjectForms = []string{
	"{Product} {problem}", "My {product} {problem}", "Urgent: {product} {problem}", "Re: {product} {problem}",
	"{Product} {problem} since {day}", "Question: {product} {problem}", "{Product} {problem} on floor {num}",
	"Team in {city} reports {product} {problem}",
}

var openers = []string{
	"Hello,", "Hi team,", "Good morning,", "Dear support,", "Hi,", "Hey there,", "Hello again,",
}

var sentences = []string{
	"Since this morning my {product} {problem}.",
	"I already restarted it twice but the {product} still {problem}.",
	"Could you please have a look at the {product}? It {problem}.",
	"This is blocking my work on the quarterly report.",
	"The error message says code {num} and then the window closes.",
	"Three colleagues in the {city} office have the same problem.",
	"I tried the steps from the knowledge base article without luck.",
	"It worked fine until the update last {day}.",
	"Please call me back on extension {num} when someone is available.",
	"My manager asked me to open a ticket for this.",
	"We need the {product} working before the client visit on {day}.",
	"I attached a screenshot of what I see.",
	"The {product} was delivered last week but it {problem}.",
	"Is there a workaround I can use in the meantime?",
	"Order reference {order} for the replacement, if that helps.",
}

var replies = []string{
	"Thanks for reaching out. We are looking into the {product} now.",
	"Could you tell us the asset tag of the {product}?",
	"We pushed a fix for the {product}; please restart and let us know.",
	"A technician will visit the {city} office tomorrow morning.",
	"We have ordered a replacement {product}, it should arrive within {num} days.",
	"Please try signing out and in again, then clear the cache.",
	"This is a known issue with the latest update; a patch is planned for {day}.",
	"I have reset the account; the new temporary password was sent by SMS.",
	"Closing this ticket as the issue is resolved. Reply to reopen it.",
}

var notes = []string{
	"Internal: checked the logs, looks like the {product} driver again.",
	"Internal: escalated to the vendor, case {num}.",
	"Internal: user is on leave next week, follow up after.",
	"Internal: same root cause as the outage on {day}.",
	"Internal: replacement approved by the team lead.",
}

var followUps = []string{
	"Thanks, that fixed it!", "Still not working, unfortunately.", "It works now but it is slow.",
	"Any update on this?", "The problem is back since this morning.", "Great, thank you for the quick help.",
}

var cities = []string{
	"Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lyon", "Krakow", "Austin", "Oslo", "Melbourne",
	"Dublin", "Seoul", "Bogotá", "Zürich", "Accra",
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

var extraTags = []string{
	"hardware", "software", "access", "network", "new_hire", "leaver", "outage", "repeat_caller",
	"remote", "onsite", "vendor", "warranty", "how_to", "bug", "feature_request",
}

// regions are the option tags of the seeded "Region" dropdown.
var regions = []string{"emea", "amer", "apac"}
