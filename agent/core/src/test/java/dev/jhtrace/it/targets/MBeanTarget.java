package dev.jhtrace.it.targets;

import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static dev.jhtrace.it.targets.Scenario.line;

/** Uses the jhtrace MBean the way JConsole would, through the platform MBean server; prints what it answers. */
public final class MBeanTarget {
    public static void main(String[] args) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.jhtrace:type=Htrace");
        System.out.println("REGISTERED " + server.isRegistered(name));
        System.out.println("SNAPSHOT " + call(server, name, "-snapshot"));
        Path file = Files.writeString(Files.createTempFile("jhtrace-mbean", ".txt"), "x");
        Scenario.KEEP.add(new FileInputStream(file.toFile())); System.out.println("LEAKLINE " + line());
        System.out.println("DIFF " + call(server, name, "-diff --format json").replace('\n', ' '));
        System.out.println("BAD " + call(server, name, "-nonsense"));
        // what JConsole shows: the attributes, and the descriptions beside the operation and its parameter
        System.out.println("ATTR Enabled " + server.getAttribute(name, "Enabled"));
        System.out.println("ATTR OpenHandles " + server.getAttribute(name, "OpenHandles"));
        javax.management.openmbean.TabularData byKind =
                (javax.management.openmbean.TabularData) server.getAttribute(name, "OpenHandlesByKind");
        for (Object row : byKind.values()) {
            javax.management.openmbean.CompositeData c = (javax.management.openmbean.CompositeData) row;
            System.out.println("ATTR OpenHandlesByKind " + c.get("key") + "=" + c.get("value"));
        }
        System.out.println("ATTR DroppedEvents " + server.getAttribute(name, "DroppedEvents"));
        System.out.println("ATTR TopSites " + String.join("|", (String[]) server.getAttribute(name, "TopSites")));
        javax.management.MBeanInfo info = server.getMBeanInfo(name);
        System.out.println("INFO " + info.getDescription());
        for (javax.management.MBeanOperationInfo op : info.getOperations()) {
            System.out.println("OPERATION " + op.getName() + " " + op.getSignature()[0].getName() + " | "
                    + op.getDescription() + " | " + op.getSignature()[0].getDescription());
        }
        for (javax.management.MBeanAttributeInfo a : info.getAttributes()) {
            System.out.println("ATTRIBUTE " + a.getName() + " | " + a.getDescription());
        }
    }

    private static String call(MBeanServer server, ObjectName name, String command) throws Exception {
        return (String) server.invoke(name, "execute", new Object[] {command}, new String[] {String.class.getName()});
    }
}
