"""The admin's delete confirmations name only what was chosen for deletion and count everything else per model.

Django's own list names every related object: deleting a user would show the entity name of each clue they entered,
and an administrator sees clue data only through a membership (README, "Who may do what").
"""

from collections import Counter

from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.utils.text import capfirst


class CountsOnlyDeletionMixin:
    def get_deleted_objects(self, objs, request):
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = {
            model._meta.verbose_name
            for model, instances in collector.model_objs.items()
            if self.admin_site.is_registered(model)
            and not all(self.admin_site.get_model_admin(model).has_delete_permission(request, obj) for obj in instances)
        }
        model_count = {model._meta.verbose_name_plural: len(instances) for model, instances in collector.model_objs.items()}
        protected = Counter(capfirst(obj._meta.verbose_name_plural) for obj in collector.protected)
        chosen = [f"{capfirst(self.opts.verbose_name)}: {obj}" for obj in objs]
        return chosen, model_count, perms_needed, [f"{name}: {count}" for name, count in protected.items()]
