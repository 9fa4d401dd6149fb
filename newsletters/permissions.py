"""Who may publish and send issues: the one home of these rights.

Publishing, unpublishing, scheduling and sending to the subscribers are one
right, the Publishers' (`newsletters.publish_issue`); editors write.
"""

PUBLISH_PERMISSION = "newsletters.publish_issue"


def can_publish(user):
    """Whether `user` may publish, unpublish and schedule issues."""
    return user.is_active and user.is_staff and user.has_perm(PUBLISH_PERMISSION)


def can_send(user):
    """Whether `user` may send an issue to the subscribers: whoever may
    publish it, since a send makes it as public as publishing does."""
    return can_publish(user)
