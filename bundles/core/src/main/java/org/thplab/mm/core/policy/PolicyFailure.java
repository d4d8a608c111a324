package org.thplab.mm.core.policy;

/** A policy that failed: what it was and why. */
public record PolicyFailure(Object policy, String reason) {
}
