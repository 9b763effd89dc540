/**
 * The parts of the chaos run ({@code AuroraChaosEvidenceIT}): the sample as its own process, an operator
 * running CLI commands, the lead script, the watch over what must hold at every moment, and the run that
 * puts them together against a misbehaving simulated Aurora.
 */
package org.aurorawebhooks.evidence.chaos;
