/**
 * The buddy allocation policy. Exported so that another allocation policy can keep its slow
 * paths (__alloc_pages_slowpath(): defrag modes, compaction, reclaim) and change only the
 * placement, by overriding {@link org.thplab.policy.allocbuddy.BuddyAllocationPolicy#take}
 * (alloc-antifrag does).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.thplab.policy.allocbuddy;
