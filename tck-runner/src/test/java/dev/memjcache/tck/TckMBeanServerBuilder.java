package dev.memjcache.tck;

import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * Lets the JSR-107 TCK find the MBeanServer MemJCache registers its MXBeans in (JSR-107 section
 * 12.2 leaves the server to the implementation; MemJCache uses the platform MBeanServer).
 *
 * <p>The TCK looks the server up with {@code MBeanServerFactory.findMBeanServer(agentId)}, where
 * {@code agentId} is the system property {@code org.jsr107.tck.management.agentId}. The platform
 * MBeanServer normally gets a generated agent id, so the TCK JVM is started with
 *
 * <pre>
 * -Djavax.management.builder.initial=dev.memjcache.tck.TckMBeanServerBuilder
 * -Dorg.jsr107.tck.management.agentId=MemJCacheTCK
 * </pre>
 *
 * <p>and {@code ManagementFactory.getPlatformMBeanServer()} is then built by this class, whose
 * delegate reports {@link #AGENT_ID} as its {@code MBeanServerId}. Test-only: it does not ship with
 * the provider, and the provider never reads these properties.
 */
public final class TckMBeanServerBuilder extends MBeanServerBuilder {

  /** The agent id ({@code JMImplementation:type=MBeanServerDelegate} attribute MBeanServerId). */
  public static final String AGENT_ID = "MemJCacheTCK";

  /** Public no-argument constructor, required by {@code javax.management.builder.initial}. */
  public TckMBeanServerBuilder() {}

  /** Returns a delegate whose {@code MBeanServerId} is {@link #AGENT_ID}. */
  @Override
  public MBeanServerDelegate newMBeanServerDelegate() {
    return new FixedIdDelegate();
  }

  /** An {@link MBeanServerDelegate} reporting a fixed agent id. */
  private static final class FixedIdDelegate extends MBeanServerDelegate {
    @Override
    public String getMBeanServerId() {
      return AGENT_ID;
    }
  }
}
