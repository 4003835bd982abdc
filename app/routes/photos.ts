import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { parseId } from '../schema/ids.ts';
import type { PhotoService } from '../services/photos.ts';

export function photoRoutes(app: FastifyInstance, photos: PhotoService): void {
  app.get<{ Params: { id: string } }>('/photos/:id', async (req) => {
    const id = parseId(req.params.id);
    if (id === null) throw new AppError('INVALID_ID');
    return photos.get(id);
  });
}
