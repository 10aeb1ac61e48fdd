# Admin registrations arrive with this area's models.
