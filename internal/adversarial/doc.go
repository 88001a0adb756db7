// Package adversarial plays the attackers of issue 16 against the real binary:
// a standard (IT) and a secure (HR) instance run as two processes with the
// escalation recipe provisioned, and each test acts as an IT admin, an IT agent
// or an HR agent trying to abuse the flow between them. Every attack asserts two
// things: the attacker fails, and the legitimate escalation still works.
package adversarial
